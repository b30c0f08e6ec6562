// TeX to SVG in the browser with MathJax (mathjax-full, the version markdown-it-mathjax3 renders
// the rest of the site with at build time), so a clicked weight's formula looks like the slides'.
// Loaded on first use: the page opens without it.

let renderer: Promise<(tex: string) => string> | null = null;

async function load(): Promise<(tex: string) => string> {
  const [{ mathjax }, { TeX }, { SVG }, { liteAdaptor }, { RegisterHTMLHandler }, tex, a11y] =
    await Promise.all([
      import('mathjax-full/js/mathjax.js'),
      import('mathjax-full/js/input/tex.js'),
      import('mathjax-full/js/output/svg.js'),
      import('mathjax-full/js/adaptors/liteAdaptor.js'),
      import('mathjax-full/js/handlers/html.js'),
      import('mathjax-full/js/input/tex/AllPackages.js'),
      import('mathjax-full/js/a11y/assistive-mml.js'),
    ]);
  const adaptor = liteAdaptor();
  a11y.AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
  const output = new SVG({ fontCache: 'none' });
  const document = mathjax.document('', {
    InputJax: new TeX({ packages: tex.AllPackages }),
    OutputJax: output,
  });
  // The stylesheet once, as markdown-it-mathjax3 adds it to a page with formulas.
  const style = window.document.createElement('style');
  style.textContent = adaptor.textContent(output.styleSheet(document) as never);
  window.document.head.append(style);
  return (source: string) => adaptor.outerHTML(document.convert(source, { display: true }));
}

/** The SVG markup (an mjx-container) of a display formula. */
export async function texToSvg(source: string): Promise<string> {
  renderer ??= load();
  return (await renderer)(source);
}
