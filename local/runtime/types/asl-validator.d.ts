declare module 'asl-validator' {
  interface AslValidationError {
    'Error code': string;
    Message: string;
    path?: string;
    [other: string]: unknown;
  }
  interface AslValidationResult {
    isValid: boolean;
    errors: AslValidationError[];
    errorsText: (separator?: string) => string;
  }
  function aslValidator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): AslValidationResult;
  export = aslValidator;
}
