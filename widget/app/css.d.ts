/** esbuild's `text` loader: a stylesheet imported as a string, injected into the Shadow DOM. */
declare module '*.css' {
  const css: string;
  export default css;
}
