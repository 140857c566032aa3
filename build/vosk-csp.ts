// vosk-browser 0.0.8 under the screen's Content Security Policy.
//
// vosk-browser runs Kaldi (WASM) in a blob: Worker whose whole source is embedded in
// dist/vosk.js as base64. A blob: worker inherits the page's CSP, and the screen's CSP allows
// 'wasm-unsafe-eval' (compiling the WASM) but not 'unsafe-eval'. The worker's Emscripten embind
// glue, though, builds three kinds of functions with `new Function(...)`: named wrappers
// (createNamedFunction), the invokers of every bound C++ function (craftInvokerFunction) and
// emval method callers (__emval_get_method_caller). Under the CSP the first of them throws
// EvalError and the model never loads. This patch rewrites those three as closures, which is what
// newer Emscripten emits with DYNAMIC_EXECUTION=0; nothing else changes.
//
// It also forwards Kaldi's ERROR/WARNING lines (printed by the worker, unseen by the page) to the
// page as {event: 'kaldi', line} messages, so a model that fails to load is reported with Kaldi's
// own reason ("ReadIntegerVector: read failure…") in `lintel status`.
//
// The patch is applied when Vite bundles vosk-browser (voskCspPlugin, renderer/vite.config.ts).
// It checks what it replaces: another vosk-browser build fails the screen's build here, loudly,
// rather than at run time on a panel.
import type { Plugin } from 'vite';

const WORKER_BASE64 = /createBase64WorkerFactory\('([A-Za-z0-9+/=]+)'/;

const CREATE_NAMED_FUNCTION =
  'function createNamedFunction(name,body){name=makeLegalFunctionName(name);' +
  'return {[name]:function(){"use strict";return body.apply(this,arguments)}}[name]}';

// The generated invoker, as a closure: check the argument count, wire `this` and the arguments,
// call, run the destructors, unwire the result.
const CRAFT_INVOKER_FUNCTION =
  'function craftInvokerFunction(humanName,argTypes,classType,cppInvokerFunc,cppTargetFunc){' +
  'var argCount=argTypes.length;' +
  'if(argCount<2){throwBindingError("argTypes array size mismatch! Must at least get return value and \'this\' types!");}' +
  'var isClassMethodFunc=argTypes[1]!==null&&classType!==null;' +
  'var needsDestructorStack=false;' +
  'for(var i=1;i<argTypes.length;++i){if(argTypes[i]!==null&&argTypes[i].destructorFunction===undefined){needsDestructorStack=true;break}}' +
  'var returns=argTypes[0].name!=="void";var expected=argCount-2;' +
  'return createNamedFunction(humanName,function(){' +
  'if(arguments.length!==expected){throwBindingError("function "+humanName+" called with "+arguments.length+" arguments, expected "+expected+" args!");}' +
  'var destructors=needsDestructorStack?[]:null;var wired=[cppTargetFunc];var thisWired;' +
  'if(isClassMethodFunc){thisWired=argTypes[1].toWireType(destructors,this);wired.push(thisWired);}' +
  'var argsWired=[];' +
  'for(var i=0;i<expected;++i){argsWired.push(argTypes[i+2].toWireType(destructors,arguments[i]));wired.push(argsWired[i]);}' +
  'var rv=cppInvokerFunc.apply(null,wired);' +
  'if(needsDestructorStack){runDestructors(destructors);}' +
  'else{for(var i=isClassMethodFunc?1:2;i<argTypes.length;++i){var p=i===1?thisWired:argsWired[i-2];' +
  'if(argTypes[i].destructorFunction!==null){argTypes[i].destructorFunction(p);}}}' +
  'if(returns){return argTypes[0].fromWireType(rv);}})}';

// The generated method caller, as a closure: read the arguments from the WASM stack, call the
// method on the handle, delete what must be deleted, wire the result.
const EMVAL_GET_METHOD_CALLER =
  'function __emval_get_method_caller(argCount,argTypes){' +
  'var types=__emval_lookupTypes(argCount,argTypes);var retType=types[0];' +
  'return __emval_addMethodCaller(function(handle,name,destructors,args){' +
  'var offset=0;var argv=[];' +
  'for(var i=0;i<argCount-1;++i){argv.push(types[1+i].readValueFromPointer(args+offset));offset+=types[i+1]["argPackAdvance"];}' +
  'var rv=handle[name].apply(handle,argv);' +
  'for(var i=0;i<argCount-1;++i){if(types[i+1]["deleteObject"]){types[i+1].deleteObject(argv[i]);}}' +
  'if(!retType.isVoid){return retType.toWireType(destructors,rv);}})}';

const PRINT_ERR = 'var err=Module["printErr"]||console.warn.bind(console);';
const PRINT_ERR_FORWARDED =
  'var err=Module["printErr"]||function(text){console.warn(text);' +
  'if(/^(ERROR|WARNING) \\(/.test(String(text)))self.postMessage({event:"kaldi",line:String(text).slice(0,400)})};';

export class VoskPatchError extends Error {}

/** vosk-browser's dist/vosk.js with its worker rewritten to run without eval (see above). */
export function patchVoskBundle(bundle: string): string {
  const embedded = embeddedWorker(bundle);
  let worker = Buffer.from(embedded, 'base64').toString('utf8');
  worker = replaceFunction(worker, 'createNamedFunction', CREATE_NAMED_FUNCTION);
  worker = replaceFunction(worker, 'craftInvokerFunction', CRAFT_INVOKER_FUNCTION);
  worker = replaceFunction(worker, '__emval_get_method_caller', EMVAL_GET_METHOD_CALLER);
  worker = replaceOnce(worker, PRINT_ERR, PRINT_ERR_FORWARDED);
  for (const evaluating of ['new Function', 'new_(Function', 'eval(']) {
    if (worker.includes(evaluating)) throw new VoskPatchError(`vosk-browser: the worker still evaluates strings (${evaluating})`);
  }
  return bundle.replace(embedded, Buffer.from(worker, 'utf8').toString('base64'));
}

/** Vite: patch vosk-browser as it is bundled (before the CommonJS transform sees it). */
export function voskCspPlugin(): Plugin {
  return {
    name: 'lintel-vosk-csp',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]vosk-browser[\\/]dist[\\/]vosk\.js(\?|$)/.test(id)) return null;
      return { code: patchVoskBundle(code), map: null };
    },
  };
}

function replaceOnce(code: string, search: string, replacement: string): string {
  const at = code.indexOf(search);
  if (at < 0 || code.indexOf(search, at + 1) >= 0) throw new VoskPatchError(`vosk-browser: expected exactly one ${search.slice(0, 40)}…`);
  return code.slice(0, at) + replacement + code.slice(at + search.length);
}

/**
 * Where the definition `function name(…){…}` is in minified code. The bodies concerned hold
 * braces only in plain string literals (no regex or template literals), so matching braces
 * outside quotes finds the end.
 */
export function findFunction(code: string, name: string): { start: number; end: number } {
  const head = `function ${name}(`;
  const start = code.indexOf(head);
  if (start < 0 || code.indexOf(head, start + 1) >= 0) throw new VoskPatchError(`vosk-browser: expected exactly one ${head}`);
  let depth = 0;
  let quote: string | null = null;
  for (let i = code.indexOf('{', start); i < code.length; i++) {
    const c = code[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '{') {
      depth++;
    } else if (c === '}' && --depth === 0) {
      return { start, end: i + 1 };
    }
  }
  throw new VoskPatchError(`vosk-browser: the end of ${name} was not found`);
}

/** The worker's source, as embedded in dist/vosk.js (for tests of the patch). */
export function voskWorkerSource(bundle: string): string {
  return Buffer.from(embeddedWorker(bundle), 'base64').toString('utf8');
}

function embeddedWorker(bundle: string): string {
  const match = WORKER_BASE64.exec(bundle);
  if (!match?.[1]) throw new VoskPatchError('vosk-browser: the embedded worker was not found (another vosk-browser build?)');
  return match[1];
}

function replaceFunction(code: string, name: string, replacement: string): string {
  const { start, end } = findFunction(code, name);
  return code.slice(0, start) + replacement + code.slice(end);
}
