// sip.js's log connector into pino. sip.js logs ordinary events (a failed registration, a dropped
// stray response) at "error"/"warn"; the account logs what matters itself, so sip.js is quieter.
import type { Logger } from 'pino';

type SipJsLevel = 'debug' | 'log' | 'warn' | 'error';

export function sipJsLogConnector(logger: Logger): (level: SipJsLevel, category: string, label: string | undefined, content: string) => void {
  return (level, category, _label, content) => {
    const obj = { sipjs: category };
    switch (level) {
      case 'error':
        logger.warn(obj, content);
        break;
      case 'warn':
        logger.info(obj, content);
        break;
      case 'log':
        logger.debug(obj, content);
        break;
      default:
        logger.trace(obj, content);
    }
  };
}
