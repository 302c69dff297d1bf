export { CaseSchema, MessageSchema, TaxonomyIdSchema, parseCase } from './schema.ts';
export { BUILTIN_SUITES_DIR, SuiteError, countCases, idHash, listSuites, readSuite, resolveSuite, type ReadOptions, type SuiteInfo } from './reader.ts';
export { caseMessages, lastUserText } from './messages.ts';
