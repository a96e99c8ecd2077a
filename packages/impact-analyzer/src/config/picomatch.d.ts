// picomatch ships no types and @types/picomatch is not a dependency: the part the analyzer uses.
declare module 'picomatch' {
  namespace picomatch {
    interface Options {
      dot?: boolean;
      nocase?: boolean;
      windows?: boolean;
      [option: string]: unknown;
    }
    interface State {
      negated: boolean;
      negatedExtglob?: boolean;
    }
    interface Matcher {
      (input: string): boolean;
      /** Present when the matcher was made with `returnState`. */
      state?: State;
    }
  }
  function picomatch(glob: string | readonly string[], options?: picomatch.Options, returnState?: boolean): picomatch.Matcher;
  export = picomatch;
}
