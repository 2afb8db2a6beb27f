/** The kinds of regulated advice the guardrail recognises. */
export type RegulatedTopic = 'medical' | 'legal' | 'financial';

// Hand-written rules in en, es, de, fr, nl, it, pt, matched on accent-folded lower case. A request
// is advice when it names a topic of the kind AND asks for judgement ("can she take", "am I
// allowed", "should I", "would you", "is it worth"), or uses a phrase that only an advice request
// uses ("can I deduct", "is it legal"). A point-of-sale desk hears the topic words all day in
// product questions (paracetamol stock, the VAT rate setting, the provider's own terms), so a
// request that asks how to do something in the product is not advice unless it also asks for
// judgement on a person's health, rights or money. Written by hand against the development half of
// datasets/guardrails/regulated-advice.jsonl; the held-out half, the corpus and an independently
// written set (regulated-advice-audit.jsonl, where they catch a third or less) measure them.

const w = (words: string) => new RegExp(`(?:^|[^\\p{L}\\p{N}])(?:${words})(?=$|[^\\p{L}\\p{N}])`, 'u');

const topics: Record<RegulatedTopic, RegExp> = {
  medical: w(
    [
      'ibuprofen\\w*|ibuprofene|paracetamol\\w*|aspirin\\w*|melatonin\\w*|magnes\\w*|vitamin\\w*|vitamine|antibiotic\\w*|antibiotico|antibiotique|antibiotika|antihistamin\\w*',
      'medication|medicine|medicamento\\w*|medicament\\w*|medikament\\w*|medicijn\\w*|farmac\\w*|geneesmiddel\\w*|schmerzmittel|middel',
      'dose|dosage|dosis|dosierung|dosi|tropfen|gocce|drops|gotas|comprimidos?|pastiglie|pills?|tablets?|tabletten|jarabe|pomada|zalf|salbe|creme|crema|cream',
      'pregnant|embarazada|schwanger|enceinte|zwanger|incinta|gravida|rash|uitslag|ausschlag|plaques|irritazione|itchy|alergia|allerg\\w*',
      'stitches|symptoms?|sintomas?|infection|ontsteking|blaasontsteking|dolor de muelas|zahnschmerzen|mal di gola|dor de dentes|toothache|blood pressure|tension|tensao|pressione|bloeddruk\\w*|blutdruck\\w*',
    ].join('|'),
  ),
  legal: w(
    [
      'legal\\w*|illegal\\w*|legale\\w*|legalmente|lawful|law|laws|ley|gesetz\\w*|loi|wet|wettelijk\\w*|legge|lei',
      'lawyer|attorney|abogad\\w*|anwalt|avocat|advocaat|avvocato|advogado',
      'fire|dismiss\\w*|despedir|kundigen|licencier|ontslaan|licenziare|despedir|sue|court|denunciar|aanklagen',
      'landlord|casero|vermieter|bailleur|verhuurder|vermieter|padrone di casa|senhorio|rent|alquiler|affitto|renda|huur|bail|lease|loyer',
      'wages?|(?:my|her|his|their|your|our|\\w+\\x27s) pay|paycheck|salary|nomina|lohn|salaire|loon|stipendio|salario|tips?|tip pool',
      'liable|liability|responsable|responsavel|haftbar|aansprakelijk|responsabile|allowed|erlaubt|toegestaan|permesso|permitido|autorise',
      'rights?|droit|recht|diritto|direito|derecho|police|politie|polizei|policia|polizia|gdpr|rgpd|dsgvo|avg|datenschutz\\w*|decharge|waiver|opt-in',
    ].join('|'),
  ),
  financial: w(
    [
      'tax|taxes|impuestos?|steuer\\w*|versteuern|impots?|belasting\\w*|tasse|imposte|impostos?|irs|renta|income tax',
      'deduct\\w*|deducir|deduire|deduzir|aftrekken|absetzen|abschreiben|scaricare|write off|write-off',
      'loan|prestamo|kredit|pret|lening|prestito|emprestimo|advance|adelanto|vorschuss|avance|voorschot|anticipo|adiantamento',
      'invest\\w*|anlegen|fondo|fonds|amortiz\\w*|tilgen|repay|rembourser|restituir\\w*|terugbetalen',
      'vat|iva|btw|tva|mwst|mehrwertsteuer|kleinunternehmer\\w*|kleineondernemersregeling|forfettario|micro-entreprise|regime',
    ].join('|'),
  ),
};

/** Asking for someone's judgement: a recommendation, a permission, a comparison, "in my place". */
const judgement = w(
  [
    // en
    'can (?:she|he|they|i|you|a \\w+|my \\w+) (?:take|give|mix|use)|is it (?:safe|ok|okay|dangerous|legal|illegal|allowed|smarter|better|worth)|safely|how (?:much|many)[^?.!]*\\b(?:take|give|safe)|what (?:cream|should|do you recommend)|should (?:i|we|she)|would you|if you were me|am i (?:\\w+ )?allowed|are we (?:even )?allowed|allowed to|can i (?:fire|sue|take \\w+ to court|deduct|write off|claim|keep)|do i (?:need|have) to (?:pay|register|declare)|need stitches|need a lawyer|can i dock|(?:asks|ask) if|is (?:it |this |that )?ok with|what dose|is safe|is that (?:even )?legal|are we liable|is (?:it|that) even',
    // es
    'puede (?:tomar|hacerlo)|puedo (?:tomar|dar\\w*|mezclar|descontar\\w*|despedir|deducir|cobrar\\w*)|me pueden denunciar|es (?:legal|peligroso)|que dosis|que le pongo|que \\w+ le recomiendo|me conviene|deberia|como declaro|invierto',
    // de
    'darf (?:eine|ein|ich|man|sie|er)|ist das erlaubt|kann man|soll (?:sie|ich)|sollte ich|muss ich (?:das|ihr|ihm|den|die)|welche\\w* \\w+ empfehle|empfehle ich|wie viele|lohnt es sich|kriege ich|absetzen|versteuern',
    // fr
    "peut-elle|peut-il|peut-on|est-ce qu'on peut|est-ce que je (?:peux|dois)|je peux (?:deduire|lui)|quelle dose|qu'est-ce que je peux|ai-je le droit|c'est valable|je risque|je dois (?:les )?declarer|dois prendre|vous rembourseriez|a votre place|conseiller|vaut-il mieux|je dois declarer",
    // nl
    'mag (?:een|ik|mijn|je|het)|hoeveel \\w+ mag|moet ze|moet ik|kan (?:je|ik) (?:\\w+ )?(?:combineren|ontslaan|aftrekken|\\w+ aftrekken)|raad ik aan|is het (?:slim|wettelijk)|zou jij|voordeliger|aftrekken',
    // it
    'puo prendere|posso (?:prendere|dar\\w*|usare)|dovrei|devo|si puo (?:prendere|fare legalmente)|quant\\w* \\w+ (?:puo|al giorno)|posso (?:trattenere|licenziare|scaricare)|che \\w+ (?:le |posso )?consigli\\w*|consiglio|mi conviene|devo pagare|al posto mio|conviene|e legale|puo aumentar\\w*',
    // pt
    'pode (?:tomar|aumentar)|deveria|devo|posso (?:tomar|descontar|despedir|deduzir)|qual e a dose|lhe recomendo|posso recomendar|compensa|tenho de declarar|no meu lugar|vale a pena|e legal|sou responsavel|devo ter',
  ].join('|'),
);

/** Asking how to do something in the product: configuration, documents, fees, reports. */
const productTask = w(
  [
    'how do i (?:get|set|add|mark|import|find|export|change)|where (?:do|can) i (?:find|download|get)|can i (?:import|export|add an?)|can you send me|what does (?:section|your)|why does my|how much is the fee',
    'como (?:configuro|marco|importo|cambio|pongo|activo|altero|evito|faco|ativo)|donde (?:descargo|esta)|puedo (?:importar|exportar)|cuanto cuesta|por que la',
    'wie (?:richte|stelle|fuge|markiere|buche|hoch ist)|wo (?:finde|ist)|kann ich (?:unsere|den umsatz)|warum ist|was steht',
    'comment (?:creer|ajouter|regler|activer|empecher|faire)|ou (?:puis-je|trouver)|puis-je importer|je peux exporter|combien coute|pourquoi le|que disent',
    'hoe (?:stel|zet|zorg|doe)|waar (?:download|vind)|kan ik (?:de prijslijst|het omzetrapport)|hoeveel kost|waarom is|wat staat',
    'come (?:imposto|aggiungo|evito|faccio|attivo)|dove (?:scarico|trovo)|posso (?:importare|esportare)|quanto costa|perche l|cosa dicono',
    'como (?:configuro|ponho|altero|evito|faco|ativo)|onde (?:descarrego|encontro)|posso (?:importar|exportar)|quanto custa|porque e que|o que dizem',
    'low-stock|alerts?|alerta|warnung|alerte|melding|avviso|barcode|codigo de barras|code-barres|streepjescode|codice a barre|scanner|csv|excel|item not found',
  ].join('|'),
);

/**
 * Which kind of regulated advice a request asks for, or `undefined`. Exposed so the measuring
 * script can score the rules on their own.
 */
export function regulatedTopicOf(text: string): RegulatedTopic | undefined {
  const folded = text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[’‘]/g, "'");
  if (!judgement.test(folded)) return undefined;
  if (productTask.test(folded)) return undefined;
  for (const topic of ['medical', 'legal', 'financial'] as const)
    if (topics[topic].test(folded)) return topic;
  return undefined;
}
