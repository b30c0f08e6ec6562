// The API reference's sidebar: the entries typedoc-vitepress-theme wrote beside the generated
// pages (docs/api/typedoc-sidebar.json), read when the config loads, under one "API reference" group.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DefaultTheme } from 'vitepress';

const sidebarFile = fileURLToPath(new URL('../api/typedoc-sidebar.json', import.meta.url));

/** The sidebar's links without `.md`, so they match the clean URLs the site serves. */
function withCleanLinks(items: DefaultTheme.SidebarItem[]): DefaultTheme.SidebarItem[] {
  return items.map((item) => ({
    ...item,
    ...(item.link !== undefined && { link: item.link.replace(/\.md$/, '') }),
    ...(item.items !== undefined && { items: withCleanLinks(item.items) }),
  }));
}

function readApiSidebar(): DefaultTheme.SidebarItem[] {
  // Generated, not committed: a config without it would build a site whose API links are dead.
  if (!existsSync(sidebarFile)) {
    throw new Error(
      `api-sidebar: ${sidebarFile} is missing: the API reference has not been generated. ` +
        'Run `pnpm --filter @backprop/docs run api` first (`pnpm docs:build` and `pnpm docs:dev` do).',
    );
  }
  const packages = JSON.parse(readFileSync(sidebarFile, 'utf8')) as DefaultTheme.SidebarItem[];
  return [{ text: 'API reference', link: '/api/', items: withCleanLinks(packages) }];
}

export const apiSidebar: DefaultTheme.SidebarItem[] = readApiSidebar();
