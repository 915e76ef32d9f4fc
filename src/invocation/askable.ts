// Who may be asked to make a transient overlay, and where nobody may, why:
// a refusal that could have offered one says so in a line (-y, a
// noninteractive frontend, no terminal).

/** The reason nobody is asked, or undefined where a person may be (if a terminal is there). */
export function notAskedBecause(assumeYes: boolean, env: NodeJS.ProcessEnv): string | undefined {
  if (assumeYes) return 'it runs with -y (assume yes)';
  if (env.DEBIAN_FRONTEND === 'noninteractive') return 'DEBIAN_FRONTEND=noninteractive';
  return undefined;
}
