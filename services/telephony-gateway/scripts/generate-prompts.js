#!/usr/bin/env node
// Generates the sample IVR's prompts (8 kHz mono µ-law WAVs) with espeak-ng and sox into
// services/telephony-gateway/prompts/. Existing files are kept unless --force is given.
require('@swc-node/register');
const path = require('node:path');
const { generatePrompts } = require('../src/media/prompts/prompt-generator');

const directory = path.resolve(__dirname, '../prompts');
const { created, existing } = generatePrompts(directory, undefined, { force: process.argv.includes('--force') });
process.stdout.write(`prompts in ${directory}: ${created.length} generated, ${existing.length} already there\n`);
