import init, { GatehouseClient } from "/pkg/gatehouse_web.js";

const $ = (id) => document.getElementById(id);

try {
  await init();
  const health = await new GatehouseClient("").health();
  $("health-status").textContent = health.status;
  $("health-version").textContent = health.version;
  $("health-mode").textContent = health.mode;
} catch (err) {
  $("health-status").textContent = `error: ${err.code ?? err}`;
}
