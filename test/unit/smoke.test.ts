import { expect, it } from 'vitest';
import { QUEUES } from '../../shared/queues';

it('has the two queues of the design', () => {
  expect(QUEUES).toEqual(['service', 'support']);
});
