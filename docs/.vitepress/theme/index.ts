// The default theme, plus the CSS that the build-time plots need and the playground's component
// (loaded only on the page that uses it).

import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import { defineAsyncComponent } from 'vue';
import './plots.css';
import './playground/playground.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component(
      'Playground',
      defineAsyncComponent(() => import('./playground/Playground.vue')),
    );
  },
} satisfies Theme;
