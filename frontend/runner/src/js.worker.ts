import { startJsWorker } from './jsRuntime';
import { sucraseErrorPosition } from './stack';

startJsWorker({
  // Only needed after a parse error, so sucrase loads on demand.
  async locateSyntaxError(code) {
    const { transform } = await import('sucrase');
    try {
      transform(code, { transforms: [] });
    } catch (err) {
      return sucraseErrorPosition(err instanceof Error ? err.message : String(err));
    }
    return undefined;
  },
});
