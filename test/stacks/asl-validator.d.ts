// asl-validator 4.0.0 ships no type declarations; this is the part the tests use.
declare module 'asl-validator' {
  interface AslValidationResult {
    readonly isValid: boolean;
    readonly errors: readonly { readonly message: string }[];
    errorsText(separator?: string): string;
  }
  function aslValidator(definition: unknown): AslValidationResult;
  export default aslValidator;
}
