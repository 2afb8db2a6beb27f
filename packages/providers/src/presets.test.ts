import { describe, expect, it } from 'vitest';
import { type Preset, parseModelName, presets, resolvePreset } from './presets.js';

describe('presets', () => {
  it('covers the hosts users run', () => {
    expect(Object.keys(presets)).toEqual([
      'openai',
      'azure',
      'anthropic',
      'google',
      'xai',
      'deepseek',
      'qwen',
      'glm',
      'openrouter',
      'groq',
      'together',
      'ollama',
      'vllm',
      'lmstudio',
    ]);
  });

  it('gives every hosted preset an https base URL and a key variable, and local ones neither key nor price', () => {
    for (const preset of Object.values(presets) as Preset[]) {
      if (preset.local) {
        expect(preset.baseURL).toMatch(/^http:\/\/localhost:\d+\/v1$/);
        expect(preset.apiKeyRequired).toBe(false);
      } else {
        expect(preset.apiKeyEnv).toMatch(/^[A-Z_]+_API_KEY$/);
        if (preset.baseURL !== undefined) expect(preset.baseURL).toMatch(/^https:\/\//);
      }
      expect(preset.baseURLEnv).toMatch(/^[A-Z_]+$/);
    }
  });
});

describe('resolvePreset', () => {
  it('finds presets by id or alias, case-insensitively', () => {
    expect(resolvePreset('DeepSeek').id).toBe('deepseek');
    expect(resolvePreset('zhipu').id).toBe('glm');
    expect(resolvePreset('lm-studio').id).toBe('lmstudio');
  });
});

describe('parseModelName', () => {
  it('splits at the first colon only', () => {
    expect(parseModelName('ollama:qwen3:8b')).toEqual({ presetId: 'ollama', modelId: 'qwen3:8b' });
    expect(parseModelName('openrouter:openai/gpt-4.1-mini')).toEqual({
      presetId: 'openrouter',
      modelId: 'openai/gpt-4.1-mini',
    });
  });

  it('rejects names without a provider or a model', () => {
    for (const name of ['gpt-4.1', ':gpt-4.1', 'openai:']) {
      expect(() => parseModelName(name)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
  });
});
