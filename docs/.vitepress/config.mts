// The documentation site (VitePress). `pnpm docs:build` writes it to docs/.vitepress/dist;
// DOCS_BASE sets the base path for a static host under a sub-path (default '/'). The lecture's data
// loaders (docs/lecture/*.data.ts) import the packages by name, which Node resolves to their dist/
// builds: `pnpm docs:build` and `pnpm docs:dev` build them first; during `pnpm docs:dev`, run
// `pnpm build` to see a change to a package's source in the numbers.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitepress';
import { apiSidebar } from './api-sidebar.mjs';
import { repoLinks, repositoryUrl } from './repo-links.mjs';
import { snippetRegions } from './snippet-regions.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const srcDir = fileURLToPath(new URL('..', import.meta.url));
const repoUrl = repositoryUrl(`${root}/package.json`);
const branch = 'main';

// The icon inline, so that no page asks the server for a /favicon.ico it does not have.
const icon = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><text x="16" y="26" font-size="28" text-anchor="middle" font-family="serif">∂</text></svg>',
)}`;

/** The lecture's pages in slide order. */
const lecture = [
  { text: 'Overview (p. 2, 9, 19)', link: '/lecture/' },
  { text: 'The network (p. 3–5)', link: '/lecture/network' },
  { text: 'Activations (p. 6–8)', link: '/lecture/activations' },
  { text: 'The error (p. 10)', link: '/lecture/error' },
  { text: 'Output weights (p. 11)', link: '/lecture/output-weights' },
  { text: 'One hidden layer (p. 12–15)', link: '/lecture/one-hidden-layer' },
  { text: 'Deep networks (p. 16–19)', link: '/lecture/deep-networks' },
  { text: 'Vanishing gradients (p. 20)', link: '/lecture/vanishing-gradients' },
];

export default defineConfig({
  title: 'backprop',
  description:
    'Reverse-mode automatic differentiation for TypeScript, from the lecture on backpropagation neural networks.',
  base: process.env.DOCS_BASE ?? '/',
  cleanUrls: true,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: icon }]],
  lastUpdated: false,
  markdown: {
    math: true,
    config(md) {
      repoLinks(md, { root, srcDir, repoUrl, branch });
      snippetRegions(md);
    },
  },
  // the API pages are generated from the doc comments: there is no page file to edit
  transformPageData(page) {
    if (page.relativePath.startsWith('api/')) page.frontmatter.editLink = false;
  },
  themeConfig: {
    nav: [
      { text: 'Getting started', link: '/getting-started' },
      { text: 'Command line', link: '/cli' },
      { text: 'The lecture', link: '/lecture/' },
      { text: 'Playground', link: '/playground' },
      { text: 'Guides', link: '/how-autodiff-works' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: [
      { text: 'Getting started', link: '/getting-started' },
      { text: 'Command line', link: '/cli' },
      { text: 'The lecture, slide by slide', items: lecture },
      { text: 'Playground: train it in the browser', link: '/playground' },
      {
        text: 'Guides',
        items: [
          { text: 'How autodiff works', link: '/how-autodiff-works' },
          { text: 'Forward mode and vmap', link: '/forward-mode-and-vmap' },
          { text: 'Adding an op', link: '/adding-an-op' },
          { text: 'Adding an activation', link: '/adding-an-activation' },
          { text: 'Layers and activations', link: '/layers' },
          { text: 'Training from a CSV', link: '/training' },
          { text: 'Serving with ONNX Runtime', link: '/serving-onnx' },
          { text: "Softmax's Jacobian", link: '/softmax-jacobian' },
          { text: 'Performance', link: '/performance' },
          { text: 'Benchmarks', link: '/benchmarks' },
        ],
      },
      ...apiSidebar,
    ],
    socialLinks: [{ icon: 'github', link: repoUrl }],
    editLink: {
      pattern: `${repoUrl}/edit/${branch}/docs/:path`,
      text: 'Edit this page on GitHub',
    },
    search: { provider: 'local' },
    outline: 'deep',
  },
});
