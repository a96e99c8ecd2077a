import { describeSafetyCases } from './safety-suite.js';
import { CODE_PATH_CASES } from './fixtures/case-groups.js';

// Jest's --changedSince failure modes where the change reaches the broken test through code.
describeSafetyCases(CODE_PATH_CASES);
