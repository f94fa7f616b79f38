export { teardown as default } from './jest-scratch.mjs';
