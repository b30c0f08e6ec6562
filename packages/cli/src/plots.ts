// Plots as SVG text, from Vega-Lite specs rendered in Node (vega + vega-lite, no canvas or browser).
export {};
