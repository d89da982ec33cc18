// Bundle the browser client with esbuild: static/src/main.js -> static/dist/app.js.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";

await build({
  // app: the board and start pages; access: the join, sign-in and case pages
  entryPoints: { app: "static/src/main.js", access: "static/src/access/pages.js", team: "static/src/team/page.js" },
  bundle: true,
  format: "esm",
  target: ["es2020"],
  outdir: "static/dist",
  sourcemap: true,
  minify: process.env.TAVLE_DEV ? false : true,
  logLevel: "warning",
});

// the plan cards are drawn and measured with the picture export's font (board/cards.json)
mkdirSync("static/dist/fonts", { recursive: true });
for (const name of ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"]) copyFileSync(`plan_export/fonts/${name}`, `static/dist/fonts/${name}`);
