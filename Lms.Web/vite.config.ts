import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * The service worker precaches the app shell and the files of the pages a student opens next (home, a course,
 * an item, a quiz attempt), so a second visit on 3G starts from the phone; every other built file is cached
 * when first loaded. Only build output is ever cached: see docs/performance-budget.md ("The service worker").
 */
const likelyPages = [
  'index.html',
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

// Paths the server answers itself (the API, hubs, health, OpenAPI, the server-rendered catalogue and credential
// pages): a navigation to them goes to the network, never to the cached app shell.
const serverPaths = [/^\/api\//, /^\/hubs\//, /^\/health/, /^\/openapi/, /^\/catalogue(\/|$)/, /^\/verify\//, /^\/\.well-known\//];

// The server (Lms.Server) serves dist/ and answers /api; `npm run dev` proxies /api to a local server.
export default defineConfig({
  plugins: [
    react(),
    collectLikelyFiles(),
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
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:5000' },
      '/hubs': { target: 'http://127.0.0.1:5000', ws: true },
    },
  },
});
