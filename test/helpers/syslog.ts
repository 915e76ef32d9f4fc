// A private /dev/log in a sandbox (whose /dev is its own): what usr-guard sends
// to the system log, read back by the test. LISTEN starts it; LOG stops it and
// prints "@@log:" and what arrived.
export const LISTEN = `python3 -c 'import socket,sys
s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); s.bind("/dev/log")
f=open("/tmp/syslog","ab",0)
while True: f.write(s.recv(4096)+b"\\n")' & ug_listener=$!
sleep 0.3`;
export const LOG = 'sleep 0.5; kill $ug_listener; echo "@@log:"; cat /tmp/syslog';

/** What arrived in the log, from a script's stdout that ran LOG. */
export const logOf = (stdout: string) => stdout.slice(stdout.indexOf('@@log:'));
