import { createMemoryStore } from '../../server/store/memory/memory-store';
import { describeStoreContract } from './store.contract';

describeStoreContract('MemoryStore', async () => ({ store: createMemoryStore(), cleanup: async () => {} }));
