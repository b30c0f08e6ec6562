// The documentation site (VitePress). `pnpm docs:build` writes it to docs/.vitepress/dist;
// DOCS_BASE sets the base path for a static host under a sub-path (default '/').
import { defineConfig } from 'vitepress';
import { apiSidebar } from './api-sidebar.mjs';

export default defineConfig({
  title: 'backprop',
  description:
    'Reverse-mode automatic differentiation for TypeScript, from the lecture on backpropagation neural networks.',
  base: process.env.DOCS_BASE ?? '/',
  cleanUrls: true,
  markdown: { math: true },
  themeConfig: {
    nav: [
      { text: 'Getting started', link: '/getting-started' },
      { text: 'The lecture', link: '/lecture/' },
      { text: 'Guides', link: '/how-autodiff-works' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: [
      { text: 'Getting started', link: '/getting-started' },
      {
        text: 'Guides',
        items: [
          { text: 'How autodiff works', link: '/how-autodiff-works' },
          { text: 'Adding an op', link: '/adding-an-op' },
          { text: 'Layers and activations', link: '/layers' },
          { text: 'Training from a CSV', link: '/training' },
          { text: "Softmax's Jacobian", link: '/softmax-jacobian' },
          { text: 'Performance', link: '/performance' },
          { text: 'Benchmarks', link: '/benchmarks' },
        ],
      },
      ...apiSidebar,
    ],
  },
});
