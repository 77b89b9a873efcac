/** @type {import('jest').Config} */
const swcConfig = require('./.swcrc.jest.json');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  // Fixtures are inputs of tests (some deliberately broken), never tests themselves.
  testPathIgnorePatterns: ['/node_modules/', '/test/fixtures/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcConfig, swcrc: false }] },
  moduleNameMapper: {
    '^wservice$': '<rootDir>/src/index.ts',
    '^wservice/router$': '<rootDir>/src/router/index.ts',
    '^wservice/testing$': '<rootDir>/src/testing/index.ts',
    '^wservice/browser$': '<rootDir>/src/browser/index.ts',
  },
  testTimeout: 20000,
  // Integration tests bind loopback ports and start child processes; two workers match CI's two cores.
  maxWorkers: process.env.CI ? 2 : '50%',
};
