// webpack 5 through its Node API (no CLI): src/main.js → dist/main.js, the package's wasm emitted
// as an asset (webpack follows `new URL("gatehouse_web_bg.wasm", import.meta.url)`), and
// index.html copied. The worker's URL comes from VITE_GATEHOUSE_URL, as for the Vite apps.
import { copyFileSync, mkdirSync } from "node:fs";
import webpack from "webpack";

const dist = new URL("./dist/", import.meta.url).pathname;
const compiler = webpack({
  mode: "production",
  context: new URL(".", import.meta.url).pathname,
  entry: "./src/main.js",
  output: { path: dist, filename: "main.js", clean: true },
  plugins: [new webpack.DefinePlugin({ GATEHOUSE_URL: JSON.stringify(process.env.VITE_GATEHOUSE_URL ?? "") })],
});
compiler.run((err, stats) => {
  if (err || stats.hasErrors()) {
    console.error(err ?? stats.toString("errors-only"));
    process.exit(1);
  }
  mkdirSync(dist, { recursive: true });
  copyFileSync(new URL("./index.html", import.meta.url), `${dist}/index.html`);
  console.log(stats.toString({ preset: "summary", assets: true }));
  compiler.close(() => {});
});
