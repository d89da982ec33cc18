// Bundle the browser client with esbuild: static/src/main.js -> static/dist/app.js.
import { build } from "esbuild";

await build({
  entryPoints: ["static/src/main.js"],
  bundle: true,
  format: "esm",
  target: ["es2020"],
  outfile: "static/dist/app.js",
  sourcemap: true,
  minify: process.env.TAVLE_DEV ? false : true,
  logLevel: "warning",
});
