import { defineConfig, type Plugin, type Rollup } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * The service worker precaches the app shell and the files of the pages a student opens next (home, a course,
 * an item, a quiz attempt), so a second visit on 3G starts from the phone; every other built file is cached
 * when first loaded. Only build output is ever cached: see docs/performance-budget.md ("The service worker").
 */
const likelyPages = [
  'index.html',
  'src/early.ts',
  'src/components/Shell.tsx',
  'src/pages/MyCoursesPage.tsx',
  'src/pages/CoursePage.tsx',
  'src/components/courseItemViews.tsx',
  'src/pages/assessment/AttemptPage.tsx',
];
const likelyFiles = new Set<string>();

/** Collects the files those pages load before they run (their chunks, static imports and CSS). */
function collectLikelyFiles(): Plugin {
  return {
    name: 'lms-likely-files',
    apply: 'build',
    generateBundle(_, bundle) {
      likelyFiles.clear();
      const visit = (fileName: string) => {
        const chunk = bundle[fileName];
        if (!chunk || chunk.type !== 'chunk' || likelyFiles.has(fileName)) return;
        likelyFiles.add(fileName);
        chunk.viteMetadata?.importedCss.forEach((css) => likelyFiles.add(css));
        chunk.imports.forEach(visit);
      };
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && likelyPages.some((page) => chunk.facadeModuleId?.endsWith(page))) visit(chunk.fileName);
      }
    },
  };
}

/**
 * The route file groups src/early.ts preloads (by these names) for the page being opened: each module's chunk, its
 * static imports and its CSS, less what the main script loads anyway. A live lesson's student shows their camera
 * answer as soon as the lesson is live, so its chunk is part of the room's group.
 */
const routeModules: Record<string, string[]> = {
  shell: ['src/components/Shell.tsx'],
  home: ['src/pages/MyCoursesPage.tsx'],
  course: ['src/pages/CoursePage.tsx'],
  attempt: ['src/pages/assessment/AttemptPage.tsx'],
  live: ['src/pages/classroom/ClassroomPage.tsx', 'src/pages/classroom/cameraGridView.tsx'],
};
const earlyEntry = 'src/early.ts';

/** A chunk's file, its static imports' files and their CSS (what the browser needs before the chunk runs). */
function filesOf(bundle: Rollup.OutputBundle, fileName: string, into = new Set<string>()): Set<string> {
  const chunk = bundle[fileName];
  if (!chunk || chunk.type !== 'chunk' || into.has(fileName)) return into;
  into.add(fileName);
  chunk.viteMetadata?.importedCss.forEach((css) => into.add(css));
  chunk.imports.forEach((file) => filesOf(bundle, file, into));
  return into;
}

/**
 * Puts src/early.ts (a separate entry) into index.html before the main script, after the file groups of
 * `routeModules` as a JSON data block it reads (CSP does not govern data blocks; the server's pages keep both).
 */
function earlyStart(): Plugin {
  return {
    name: 'lms-early-start',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const bundle = context.bundle;
        if (!bundle || !context.path.endsWith('/index.html')) return html;
        const chunks = Object.values(bundle).filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
        const main = chunks.find((c) => c.isEntry && c.facadeModuleId?.endsWith('index.html'));
        const early = chunks.find((c) => c.isEntry && c.facadeModuleId?.endsWith(earlyEntry));
        if (!main || !early) throw new Error('lms-early-start: the main or the early entry is missing from the bundle');
        if (early.imports.length > 0) throw new Error(`lms-early-start: ${earlyEntry} must import nothing (it would wait for ${early.imports.join(', ')})`);
        const loadedFirst = filesOf(bundle, main.fileName);
        const groups: Record<string, string[]> = {};
        for (const [name, modules] of Object.entries(routeModules)) {
          const files = new Set<string>();
          for (const module of modules) {
            const chunk = chunks.find((c) => c.facadeModuleId?.endsWith(module));
            if (!chunk) throw new Error(`lms-early-start: no chunk for ${module} (route group ${name})`);
            filesOf(bundle, chunk.fileName, files);
          }
          groups[name] = [...files].filter((file) => !loadedFirst.has(file));
        }
        // Before the main script's tag, so that the browser asks for this small script among the first.
        if (!html.includes('</title>')) throw new Error('lms-early-start: index.html has no <title> to put the early start after');
        return html.replace('</title>', '</title>\n    '
          + `<script type="application/json" id="lms-route-files">${JSON.stringify(groups)}</script>\n    `
          + `<script type="module" async crossorigin src="/${early.fileName}"></script>`);
      },
    },
  };
}

// Paths the server answers itself (the API, hubs, health, OpenAPI, the server-rendered catalogue and credential
// pages, the identity provider's /connect endpoints): a navigation to them goes to the network, never to the cached app shell.
const serverPaths = [/^\/api\//, /^\/hubs\//, /^\/health/, /^\/openapi/, /^\/catalogue(\/|$)/, /^\/verify\//, /^\/\.well-known\//, /^\/connect\//];

// The server (Lms.Server) serves dist/ and answers /api; `npm run dev` proxies /api to a local server.
export default defineConfig({
  plugins: [
    react(),
    collectLikelyFiles(),
    earlyStart(),
    VitePWA({
      strategies: 'generateSW',
      filename: 'sw.js', // the name the old hand-written worker had, so installed copies update in place
      injectRegister: false, // src/pwa.ts registers it
      registerType: 'autoUpdate',
      manifest: false, // public/manifest.webmanifest is the install manifest
      workbox: {
        cacheId: 'lms',
        importScripts: ['contact-push-sw.js'], // the contact book's push notifications (public/contact-push-sw.js)
        globPatterns: ['**/*.{js,css,html,svg,webmanifest,woff2}'],
        globIgnores: ['scorm-runtime.html'], // served by the content origin, never used by the app's pages
        manifestTransforms: [
          async (entries) => ({
            manifest: entries.filter((entry) => !entry.url.startsWith('assets/') || likelyFiles.has(entry.url)),
            warnings: [],
          }),
        ],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: serverPaths,
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        runtimeCaching: [
          {
            // Built files, named by their content hash (never anything personal): cache first.
            urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/assets/'),
            handler: 'CacheFirst',
            options: { cacheName: 'lms-assets', expiration: { maxEntries: 200 } },
          },
        ],
      },
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // scripts/size-budget.mjs (run by `npm run build`) reads which files each page loads from the manifest.
    manifest: true,
    chunkSizeWarningLimit: 600,
    // src/early.ts is an entry of its own: it runs as soon as it arrives, long before the main script.
    // scorm-runtime.html is the SCORM runtime page the content origin serves (Lms.Server/Scorm/ScormContentServer.cs).
    rollupOptions: { input: { index: 'index.html', early: earlyEntry, 'scorm-runtime': 'scorm-runtime.html' } },
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:5000' },
      '/hubs': { target: 'http://127.0.0.1:5000', ws: true },
    },
  },
});
