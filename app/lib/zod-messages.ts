import type { $ZodErrorMap } from 'zod/v4/core'

// zod's own messages are English sentences ("Invalid input: expected string, received undefined").
// Every form message must be an i18n key (forms show `t(message)`), so the issues a schema leaves
// without a message of its own (a missing field, an array where one value belongs, a value outside
// an enum, a number out of range) get the generic keys below. A schema's own message still wins
// (zod applies a per-parse map after the schema's own messages). Passed by parseForm
// (app/lib/forms.server.ts) and by the forms validated in the browser too (`error: zodMessageKey`);
// other zod parses (environment, job payloads) keep zod's English, which is for operators.
// Found by the fuzz suite (tests/integration/fuzz-forms.test.ts).

type Issue = Parameters<$ZodErrorMap>[0]

export const zodMessageKey = (issue: Issue): string => {
	switch (issue.code) {
		case 'invalid_type':
			if (issue.input === undefined || issue.input === null || issue.input === '') return 'errors.required'
			if (Array.isArray(issue.input) && issue.expected !== 'array') return 'errors.form.oneValue'
			return 'errors.form.invalid'
		case 'invalid_value':
			return 'errors.form.choice'
		case 'invalid_union':
			return issue.note === 'No matching discriminator' ? 'errors.form.choice' : 'errors.form.invalid'
		case 'too_small':
			if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'errors.required' : 'errors.form.tooShort'
			if (issue.origin === 'array' || issue.origin === 'set') return 'errors.required'
			return 'errors.form.tooSmall'
		case 'too_big':
			if (issue.origin === 'string') return 'errors.tooLong'
			if (issue.origin === 'array' || issue.origin === 'set') return 'errors.form.tooMany'
			return 'errors.form.tooBig'
		default:
			return 'errors.form.invalid'
	}
}
