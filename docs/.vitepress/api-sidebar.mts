// The API reference's sidebar entries (generated pages under docs/api/); none yet.
import type { DefaultTheme } from 'vitepress';

export const apiSidebar: DefaultTheme.SidebarItem[] = [];
