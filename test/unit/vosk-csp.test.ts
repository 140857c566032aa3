// build/vosk-csp.ts: vosk-browser's worker rewritten to run without eval under the screen's CSP.
// The rewritten embind functions are checked against the originals they replace: both are run on
// the same fake types and must call and return the same (the originals, which build code with
// `new Function`, run here in Node, where eval is allowed).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Script, createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { findFunction, patchVoskBundle, VoskPatchError, voskWorkerSource } from '../../build/vosk-csp.js';

const BUNDLE = readFileSync(createRequire(import.meta.url).resolve('vosk-browser'), 'utf8');
const ORIGINAL = voskWorkerSource(BUNDLE);
const PATCHED = voskWorkerSource(patchVoskBundle(BUNDLE));

const source = (worker: string, name: string): string => {
  const { start, end } = findFunction(worker, name);
  return worker.slice(start, end);
};

interface Call {
  args: unknown[];
}

/** A fake embind world: a wire type that tags values, a C++ invoker that records its calls. */
function embind(worker: string): {
  calls: Call[];
  destroyed: unknown[];
  craft: (humanName: string, argTypes: unknown[], classType: unknown) => (...args: unknown[]) => unknown;
  methodCaller: (argCount: number) => (handle: object, name: string, destructors: unknown[], args: number) => unknown;
} {
  const calls: Call[] = [];
  const destroyed: unknown[] = [];
  const context = createContext({
    calls,
    destroyed,
    makeLegalFunctionName: (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '$'),
    throwBindingError: (message: string) => {
      throw new Error(message);
    },
    runDestructors: (list: unknown[]) => destroyed.push(...list),
    // Method callers read their arguments from the WASM stack: here, a number per 8-byte slot.
    __emval_lookupTypes: (count: number) =>
      Array.from({ length: count }, (_, i) =>
        i === 0
          ? { name: 'int', isVoid: false, toWireType: (_d: unknown, v: unknown) => ['ret', v] }
          : { name: 'int', argPackAdvance: 8, readValueFromPointer: (p: number) => p * 10 + i, deleteObject: i === 2 ? (v: unknown) => destroyed.push(v) : undefined },
      ),
    __emval_addMethodCaller: (f: unknown) => f,
  });
  runInContext(
    [source(worker, 'createNamedFunction'), source(worker, 'new_'), source(worker, 'craftInvokerFunction'), source(worker, '__emval_get_method_caller')].join('\n'),
    context,
  );
  const craft = runInContext('craftInvokerFunction', context) as (...a: unknown[]) => (...args: unknown[]) => unknown;
  const getCaller = runInContext('__emval_get_method_caller', context) as (argCount: number, argTypes: number) => (handle: object, name: string, destructors: unknown[], args: number) => unknown;
  const invoker = (...args: unknown[]): unknown => {
    calls.push({ args });
    return 42;
  };
  return {
    calls,
    destroyed,
    craft: (humanName, argTypes, classType) => craft(humanName, argTypes, classType, invoker, 'target'),
    methodCaller: (argCount) => getCaller(argCount, 0),
  };
}

const wire = (name: string, destructorFunction: ((v: unknown) => void) | null | undefined = null): object => ({
  name,
  destructorFunction,
  toWireType: (destructors: unknown[] | null, v: unknown) => {
    if (destructorFunction === undefined) destructors?.push(`d:${String(v)}`);
    return `w:${String(v)}`;
  },
  fromWireType: (v: unknown) => `r:${String(v)}`,
});

describe('patchVoskBundle', () => {
  it('leaves the worker nothing to evaluate, and still valid JavaScript', () => {
    expect(ORIGINAL).toContain('new Function');
    for (const evaluating of ['new Function', 'new_(Function', 'eval(']) expect(PATCHED).not.toContain(evaluating);
    expect(() => new Script(PATCHED)).not.toThrow();
  });

  it('forwards Kaldi\'s error lines to the page', () => {
    expect(PATCHED).toContain('event:"kaldi"');
  });

  it('refuses a vosk-browser it does not know rather than ship it unpatched', () => {
    expect(() => patchVoskBundle('console.log("not vosk")')).toThrow(VoskPatchError);
  });

  it.each([
    ['a method with this, two arguments and a result', ['int', 'this', 'a', 'b'], 'Cls', [7, 8]],
    ['a free function without a result', ['void', null, 'a'], null, ['x']],
    ['arguments that need a destructor stack', ['int', null, 'stack', 'a'], null, [1, 2]],
  ] as const)('builds the same invokers as the eval-built originals: %s', (_name, types, classType, args) => {
    const results = [ORIGINAL, PATCHED].map((worker) => {
      const world = embind(worker);
      const argTypes = types.map((t, i) => (t === null ? null : i === 0 ? { name: t, fromWireType: (v: unknown) => `r:${String(v)}` } : wire(t, t === 'stack' ? undefined : t === 'b' ? (v) => world.destroyed.push(v) : null)));
      const f = world.craft('Cls$method', argTypes, classType);
      const returned = f.apply({ me: 1 }, [...args]);
      let wrongCount: string | null = null;
      try {
        f.apply({ me: 1 }, [...args, 'extra']);
      } catch (error) {
        wrongCount = (error as Error).message;
      }
      return { returned, calls: world.calls, destroyed: world.destroyed, wrongCount };
    });
    expect(results[0]!.calls).toHaveLength(1); // the call with the right count went through…
    expect(results[0]!.wrongCount).toMatch(/expected \d+ args/); // …the one with an extra argument did not
    expect(results[1]).toEqual(results[0]);
  });

  it('builds the same emval method callers as the eval-built originals', () => {
    const results = [ORIGINAL, PATCHED].map((worker) => {
      const world = embind(worker);
      const handle = { add: (a: number, b: number) => a + b };
      return { returned: world.methodCaller(3)(handle, 'add', [], 1), destroyed: world.destroyed };
    });
    expect(results[1]).toEqual(results[0]);
    // Arguments at 1 and 1 + 8 on the fake stack: 1*10+1 and 9*10+2.
    expect(results[1]!.returned).toEqual(['ret', 11 + 92]);
  });
});
