import type { FormInstance } from 'antd';
import { useCallback, useState } from 'react';
import { applyProblemToForm, problemOf, type FieldError, type Problem } from './problem';

export interface ServerErrorState {
  problem: Problem;
  /** Validation errors no form field matched: shown in the form's banner. */
  unmatched: FieldError[];
}

/**
 * Routes a failed submission: field errors go onto the form's fields, the rest
 * (412, 403, unmatched locations ...) into a banner state.
 */
export function useServerErrors(form: FormInstance) {
  const [serverError, setServerError] = useState<ServerErrorState | null>(null);
  const handleError = useCallback(
    (error: unknown) => {
      const problem = problemOf(error);
      const unmatched = applyProblemToForm(form, problem);
      const allOnFields = problem.errors.length > 0 && unmatched.length === 0;
      setServerError(allOnFields ? null : { problem, unmatched });
    },
    [form],
  );
  const clear = useCallback(() => setServerError(null), []);
  return { serverError, handleError, clear };
}
