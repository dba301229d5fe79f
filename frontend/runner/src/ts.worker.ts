import { transform } from 'sucrase';
import { startJsWorker } from './jsRuntime';
import { sucraseErrorPosition } from './stack';

/** Type annotations removed, everything else (lines included) left alone. */
function stripTypes(code: string): string {
  return transform(code, { transforms: ['typescript'], disableESTransforms: true }).code;
}

// Compile sucrase's hot paths while this worker waits as the spare.
stripTypes('const warm: number = 1;\n');

startJsWorker({
  transpile: stripTypes,
  describeTranspileError(err) {
    const text = err instanceof Error ? err.message : String(err);
    const position = sucraseErrorPosition(text);
    const message = `SyntaxError: ${text.replace(/\s*\(\d+:\d+\)\s*$/u, '')}`;
    return position ? { message, position } : { message };
  },
  async locateSyntaxError(code) {
    try {
      stripTypes(code);
    } catch (err) {
      return sucraseErrorPosition(err instanceof Error ? err.message : String(err));
    }
    return undefined;
  },
});
