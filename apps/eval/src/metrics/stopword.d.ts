// Types for the `stopword` package (its word lists are plain string arrays; it ships no types).
declare module 'stopword' {
  export const eng: string[];
  export const spa: string[];
  export const deu: string[];
  export const fra: string[];
  export const nld: string[];
  export const ita: string[];
  export const por: string[];
}
