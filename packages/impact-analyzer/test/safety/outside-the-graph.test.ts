import { describeSafetyCases } from './safety-suite.js';
import { OUTSIDE_GRAPH_CASES } from './fixtures/case-groups.js';

// Jest's --changedSince failure modes where the change reaches the broken test outside the module graph.
describeSafetyCases(OUTSIDE_GRAPH_CASES);
