// Vite turns a side-effect import of a stylesheet into a <link>; tsc only needs to know it exists.
declare module '*.css';
