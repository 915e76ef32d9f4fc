// Files imported as text (esbuild's text loader in the build, Vite's ?raw in tests).
declare module '*?raw' {
  const content: string;
  export default content;
}
