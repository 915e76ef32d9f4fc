// The kernel command line, read as the kernel reads it (lib/cmdline.c,
// next_arg): words split on whitespace, except inside double quotes, which
// group a word and are dropped. So `x="a composefs=b"` is one parameter, x.
// Pure: any text gives a list, never a throw.

export interface KernelParam {
  key: string;
  /** null for a bare word ("ro"); "" for "key=". */
  value: string | null;
}

export function parseKernelCmdline(text: string): KernelParam[] {
  const params: KernelParam[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let word = '';
    let quoted = false;
    for (; i < text.length && (quoted || !/\s/.test(text[i]!)); i++) {
      if (text[i] === '"') quoted = !quoted;
      else word += text[i];
    }
    const eq = word.indexOf('=');
    params.push(eq < 0 ? { key: word, value: null } : { key: word.slice(0, eq), value: word.slice(eq + 1) });
  }
  return params;
}

/** Is `key` given a value on the command line (as composefs=<digest> is on a composefs-native host)? */
export function hasKernelParam(text: string, key: string): boolean {
  return parseKernelCmdline(text).some((p) => p.key === key && p.value !== null);
}
