// The iteration graph: dagre places the nodes and routes the edges; this draws them as SVG links.
import { Graph, layout } from "@dagrejs/dagre";
import type { IterationView } from "../view-types.js";
import { percent } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const NODE_W = 210;
const NODE_H = 58;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

/** What a node says, for its label and for screen readers. */
export function describeIteration(it: IterationView): string {
  const parts = [it.name, it.state.replace("_", " ")];
  if (it.state !== "not_created") parts.push(`${percent(it.progress)}% written`);
  parts.push(it.gate.open ? "gate open" : `gate: waiting on ${it.gate.waiting_on.join(", ")}`);
  if (it.approval) parts.push(`approval ${it.approval.state}`);
  return parts.join(", ");
}

/**
 * Lays out the iterations by their dependencies, left to right on a wide screen and top to bottom
 * on a narrow one. Each node links to the iteration's section below.
 */
export function iterationGraph(iterations: readonly IterationView[], narrow: boolean): SVGSVGElement {
  const g = new Graph();
  g.setGraph({ rankdir: narrow ? "TB" : "LR", nodesep: 24, ranksep: 48, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const it of iterations) g.setNode(it.name, { width: NODE_W, height: NODE_H });
  const names = new Set(iterations.map((it) => it.name));
  for (const it of iterations) for (const dep of it.dependencies) if (names.has(dep)) g.setEdge(dep, it.name);
  layout(g);
  const { width = 0, height = 0 } = g.graph();
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "graph", role: "group" });
  root.setAttribute("aria-label", "Iteration graph");
  root.style.maxWidth = `${width}px`;
  const defs = svg("defs", {});
  const marker = svg("marker", {
    id: "arrow",
    viewBox: "0 0 10 10",
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: "auto",
  });
  marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "edge-head" }));
  defs.append(marker);
  root.append(defs);
  for (const e of g.edges()) {
    const points: { x: number; y: number }[] = g.edge(e).points ?? [];
    const d = points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x},${p.y}`).join(" ");
    root.append(svg("path", { d, class: "edge", "marker-end": "url(#arrow)", "aria-hidden": "true" }));
  }
  for (const it of iterations) {
    const node = g.node(it.name);
    const x = node.x - NODE_W / 2;
    const y = node.y - NODE_H / 2;
    const link = svg("a", { href: `#it-${it.name}`, class: `node state-${it.state}`, "data-node": it.name });
    link.setAttribute("aria-label", describeIteration(it));
    link.append(svg("rect", { x, y, width: NODE_W, height: NODE_H, rx: 8 }));
    const title = svg("text", { x: x + 10, y: y + 22, class: "node-title" });
    title.textContent = it.name.length > 24 ? `${it.name.slice(0, 23)}…` : it.name;
    const sub = svg("text", { x: x + 10, y: y + 42, class: "node-sub" });
    const gate = it.gate.open ? "" : " · gated";
    sub.textContent = `${it.state.replace("_", " ")}${it.state === "not_created" ? "" : ` · ${percent(it.progress)}%`}${gate}`;
    link.append(title, sub);
    if (it.state !== "not_created") {
      link.append(
        svg("rect", { x: x + 10, y: y + NODE_H - 9, width: NODE_W - 20, height: 4, class: "node-track" }),
      );
      link.append(
        svg("rect", {
          x: x + 10,
          y: y + NODE_H - 9,
          width: ((NODE_W - 20) * percent(it.progress)) / 100,
          height: 4,
          class: "node-fill",
        }),
      );
    }
    root.append(link);
  }
  return root;
}
