// A markdown-it plugin: relative links that leave docs/ (../packages/…/file.ts, ../examples/…,
// the READMEs) point at the file on GitHub, so one Markdown file reads right on GitHub and on the site.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, relative, resolve, sep } from 'node:path';
import type { MarkdownRenderer } from 'vitepress';

/** https://github.com/owner/name from package.json's `repository` (a string or `{ url }`). */
export function repositoryUrl(packageJsonPath: string): string {
  const { repository } = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
  const url: unknown = typeof repository === 'string' ? repository : repository?.url;
  const match =
    typeof url === 'string' ? /github\.com[/:]([^/]+\/[^/#]+?)(\.git)?$/.exec(url) : null;
  if (match === null) {
    throw new Error(
      `${packageJsonPath}: expected "repository" to name a GitHub repository (git+https://github.com/owner/name.git), got ${JSON.stringify(repository)}`,
    );
  }
  return `https://github.com/${match[1]}`;
}

export interface RepoLinkOptions {
  /** The repository's root folder on disk. */
  root: string;
  /** VitePress's source folder (docs/): links that stay inside it are left to VitePress. */
  srcDir: string;
  /** https://github.com/owner/name */
  repoUrl: string;
  branch: string;
}

const EXTERNAL = /^([a-z][a-z0-9+.-]*:|\/\/|#|\/)/i; // a scheme, protocol-relative, anchor or site-absolute

/** The GitHub URL for `href` written in the page at `pagePath`, or null when it stays in docs/. */
export function repoLink(href: string, pagePath: string, options: RepoLinkOptions): string | null {
  if (href === '' || EXTERNAL.test(href)) return null;
  const cut = href.search(/[?#]/);
  const [path, rest] = cut === -1 ? [href, ''] : [href.slice(0, cut), href.slice(cut)];
  const target = resolve(dirname(pagePath), decodeURI(path));
  const inDocs = relative(options.srcDir, target);
  if (inDocs !== '' && !inDocs.startsWith('..')) {
    // VitePress checks links to pages (no extension, .md, .html), not to other files.
    if (!['', '.md', '.html'].includes(extname(target)) && !existsSync(target)) {
      throw new Error(`${pagePath}: dead link ${href}: there is no ${inDocs} in docs/`);
    }
    return null;
  }
  const inRepo = relative(options.root, target);
  if (inRepo.startsWith('..')) {
    throw new Error(`${pagePath}: the link ${href} points outside the repository (${target})`);
  }
  // VitePress checks only the links it keeps, so this one's dead-link check is ours.
  if (!existsSync(target)) {
    throw new Error(`${pagePath}: dead link ${href}: there is no ${inRepo} in the repository`);
  }
  // GitHub redirects /blob/ to /tree/ for a folder, so one form serves both.
  const file = inRepo.split(sep).map(encodeURIComponent).join('/');
  return `${options.repoUrl}/blob/${options.branch}/${file}${rest}`;
}

/** Rewrites such links in every page before VitePress's own link handling sees them. */
export function repoLinks(md: MarkdownRenderer, options: RepoLinkOptions): void {
  md.core.ruler.push('backprop_repo_links', (state) => {
    const pagePath: unknown = state.env?.path;
    if (typeof pagePath !== 'string') return;
    for (const block of state.tokens) {
      for (const token of block.children ?? []) {
        if (token.type !== 'link_open') continue;
        const href = token.attrGet('href');
        const url = href === null ? null : repoLink(href, pagePath, options);
        if (url !== null) token.attrSet('href', url);
      }
    }
  });
}
