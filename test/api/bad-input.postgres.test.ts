import { HAS_POSTGRES } from '../harness/env.ts';
import { describeBadInput } from './bad-input.ts';

describeBadInput('postgres', { skip: !HAS_POSTGRES && 'needs PostgreSQL' });
