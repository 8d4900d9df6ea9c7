// Placeholder until the local stack lands; replaced by the stack-starting global setup.
export default async function globalSetup(): Promise<void> {}
