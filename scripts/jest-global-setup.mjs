export { setup as default } from './jest-scratch.mjs';
