// Lint: the recommended JavaScript and TypeScript rules and React's rules of hooks. Type errors are
// tsc's job (npm run typecheck); formatting is not linted.
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

export default tseslint.config(
	{ ignores: ['build/', 'public/build/', 'app/generated/', 'node_modules/', '.cache/', 'test-results/', 'playwright-report/', 'bench/results/', 'bench/bare-remix/build/', 'bench/bare-remix/public/build/', 'bench/bare-remix/.cache/'] },
	js.configs.recommended,
	...tseslint.configs.recommended,
	// React's rules, the compiler-based ones included, where React code lives: the compiler's analysis
	// is most of ESLint's time, and on the server modules, tests and scripts it finds nothing to check.
	{ ...(reactHooks.configs.flat['recommended-latest'] ?? reactHooks.configs.flat.recommended), files: ['**/*.tsx', 'app/**/*.ts'] },
	{
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
		},
	},
	{
		files: ['tests/e2e/support/*.js'],
		languageOptions: { globals: { window: 'readonly', document: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
	},
)
