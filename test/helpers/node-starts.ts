// Count node starts in a sandbox: /usr/bin/node replaced (a bind mount) by a
// wrapper that writes down each start and the --caller it was given to
// /tmp/node-starts, then runs the real node.
export const COUNT_NODE_STARTS = `touch /tmp/node.real && mount --bind /usr/bin/node /tmp/node.real
cat > /tmp/node-wrap <<'UGEOF'
#!/bin/sh
c=; p=
for a; do [ "$p" = --caller ] && c=$a; p=$a; done
echo "node \${c:-?}" >> /tmp/node-starts
exec /tmp/node.real "$@"
UGEOF
chmod +x /tmp/node-wrap && mount --bind /tmp/node-wrap /usr/bin/node`;

/** The starts written down, one "node CALLER" each, from a script's output that ends with `cat /tmp/node-starts`. */
export const nodeStarts = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('node '));
