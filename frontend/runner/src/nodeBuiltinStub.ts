/**
 * Stands in for `node:*` modules in the runner build: Pyodide imports them
 * dynamically only when it runs under Node, never in a browser worker.
 */
export default {};
