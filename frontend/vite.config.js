// Builds the page bundles into dist/ with stable names (editor.js, projects.js, courses.js, terminal.js, compute.js, common.js, their .css),
// because Django templates reference them by name through {% static 'frontend/...' %}.
import { resolve } from "node:path";
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        editor: resolve(import.meta.dirname, "src/editor.js"),
        projects: resolve(import.meta.dirname, "src/projects.js"),
        courses: resolve(import.meta.dirname, "src/courses.js"),
        terminal: resolve(import.meta.dirname, "src/terminal.js"),
        compute: resolve(import.meta.dirname, "src/compute.js"),
      },
      output: {
        entryFileNames: "[name].js",
        chunkFileNames: "[name].js",
        assetFileNames: "[name][extname]",
        // Code and CSS several pages use go into common.js / common.css, so templates can name them.
        manualChunks: (id) => (id.includes("/src/lib/") || id.endsWith("/styles/base.css") ? "common" : undefined),
      },
    },
  },
  test: {
    include: ["tests/**/*.test.js"],
    environment: "node",
  },
});
