// Must be imported before anything parses with zod: zod 4 probes `new Function` to JIT its
// parsers, and under our CSP (no 'unsafe-eval') that probe is reported as a violation.
import { z } from 'zod';

z.config({ jitless: true });
