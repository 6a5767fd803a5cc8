import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'coverage/**', 'reports/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  { files: ['src/cli/**', 'bench/**', 'bin/**', 'demo/**'], rules: { 'no-console': 'off' } },
  {
    // Runs inside ServiceNow (Rhino), with the platform's globals.
    files: ['integrations/servicenow/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { gs: 'readonly', current: 'readonly', previous: 'readonly', GlideCertificateEncryption: 'readonly', GlideStringUtil: 'readonly', sn_ws: 'readonly' },
    },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { args: 'none' }] },
  },
);
