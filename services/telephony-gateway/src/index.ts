// What a host needs to run the gateway in-process (the all-in-one): the module, its schema and the demo flow.
export { TelephonyModule, type TelephonyModuleOptions, type TelephonySeed } from './telephony.module';
export { generatePrompts } from './media';
export { TELEPHONY_MIGRATIONS } from './persistence/telephony.migrations';
export { ManageDirectoryUseCase } from './app/manage-directory/manage-directory.use-case';
export { SAMPLE_IVR_FLOW } from './domain/ivr';
