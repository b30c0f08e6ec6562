// Vite's `?raw` imports (files as text), which the tests use to read the READMEs without Node.
declare module '*?raw' {
  const text: string;
  export default text;
}
