"""The hand annotation of docs/quotes.md as a table, and the writer of dev.jsonl from it.

Each row: the article (GUM_news_<name> of ../shared/eval/sentences/gum_news_sbd.json, its paragraphs
joined by a blank line), the text right after the quotation's opening mark, the text right before its
closing mark (ending with '¶' for a quotation whose closing mark is missing: it ends with its
paragraph; None when the start snippet holds the closing mark), the speaker's name, and the text of the
mention that names the speaker (the occurrence nearest the quotation, '<' for the nearest before it).
The annotation was made by reading the articles, not from the rules' output.

Run from the repository root: python3 xtask/data/quotes/annotate.py xtask/data/quotes/dev.jsonl
"""
import json, sys
d = {x['doc_id']: '\n\n'.join(p['text'] for p in x['paragraphs'])
     for x in json.load(open('../shared/eval/sentences/gum_news_sbd.json', encoding='utf-8'))['docs']}
d['openai-microsoft'] = open('../shared/examples/openai-microsoft.txt', encoding='utf-8').read()
MARKS = '"“”'
A = [
# doc, start snippet (text right after the opening mark), end snippet (text right before the closing mark, or ending at paragraph end with '¶'), speaker name, speaker mention text
("afghan", "We are so interested because", "the talent and ability of Afghans,", "Rodaba Noori", "Rodaba Noori"),
("afghan", "to show that Afghan women", "because of Trump intervention.", "Rodaba Noori", "Rodaba Noori"),
("afghan", "Seventeen years ago", "would not have been possible at all,", "Hamdullah Mohib", "Mohib"),
("afghan", "They represent our aspirations", "member of the international community.", "Hamdullah Mohib", "Mohib"),
("asylum", "We are in contact with all", "find a solution to this crisis", "Najib Razak", "Najib Razak"),
("asylum", "We urge the governments", "in need of an immediate rescue effort", "Jeff Rathke", "Jeff Rathke"),
("clock", "support movement", "support movement", "The Straits Times", "The Straits Times"),
("clock", "Hoping that the #istandwithahmed", "race, punishment, and incarceration.", "Marc Lamont Hill", "Marc Lamont Hill"),
("clock", "Cool clock, Ahmed", "It's what makes America great.", "Barack Obama", "Barack Obama"),
("crane", "All those who were wounded", "no casualties left at the location.", "Suleiman al-Amr", "Suleiman al-Amr"),
("crane", "Had it happened an hour later", "would have been much worse,", "Khaled Al-Maeena", "Khaled Al-Maeena"),
("crane", "Had it happened five hours", "would have been more than a thousand.", "Khaled Al-Maeena", "Khaled Al-Maeena"),
("defector", "Moxon proceeded to lie", "cooperated with Moxon and routed out properly.", "Rathbun", "Rathbun"),
("defector", "Daniel was picked up", "interrogated him for two hours.", "Rathbun", "<Rathbun"),
("defector", "... plied the Sheriff", "sat for the next 30 hours.", "Rathbun", "Rathbun"),
("defector", "walked into lobby", "turned himself in", "Steve Whitmore", "<Whitmore"),
("defector", "everything he did", "everything he did", "Steve Whitmore", "<Whitmore"),
("defector", "facing the penitentiary", "help the kid achieve that freedom.", "Rathbun", "He"),
("flag", " For example, schools", "as part of their own learning exercise", "John Burrows", "Professor Burrows"),
("flag", "strong rationale", "strong rationale", "John Key", "John Key"),
("flag", "In the end I'll have one vote", "New Zealander on the electoral roll", "John Key", "he"),
("hackers", "So far, it's the Internet", "But it's a long game.", "Matthew Ingram", "Matthew Ingram"),
("hackers", "another small skirmish", "seized -- an all-out war.", "Matthew Ingram", "He"),
("hackers", "Prompted I think by the Tom Cruise video, a new obsession is taking hold on the internet. An insurgency against The Church of Scientology.\" Anonymous", None, None, None),
("hackers", "I have myself, as per instructions", "every now and again.", None, None),
("hackers", "Prompted I think by the Tom Cruise video, a new obsession is taking hold on the internet. An insurgency against The Church of Scientology.\"\n", None, None, None),
("hackers", "Someone emailed me earlier today", "crash a website’s database,", None, None),
("hackers", "The word scientology means", "means search for truth ...", None, None),
("hackers", "How can people look at both sides", "if one side is gone?", None, None),
("homeopathic", "Gloria spent a lot of the last five months", "was to suck on her mother's breast.", "Mark Tedeschi", "Mark Tedeschi"),
("homeopathic", "Gloria's eczema played", "discussed it with each other.", "Mark Tedeschi", "Mr. Tedeschi"),
("homeopathic", "I am not able to do that", "I am not able to do that", "Thomas Sam", "he"),
("homeopathic", "her skin was weeping", "her corneas melting", "Sydney Morning Herald", "Sydney Morning Herald"),
("ie9", "[Ten] years ago", "it’s time to say goodbye,", "Microsoft", "Microsoft"),
("ie9", "Usually, Internet Explorer is the #2", "IE could fall to fourth place.", "PC World", "PC World"),
("iodine", "the sleeper health issue", "the sleeper health issue in Australia", None, None),
("iodine", "urgent implementation of mandatory", "of all edible salt in Australia.", None, None),
("iodine", "I suspect they won't do that", "that all salt should be iodised,", "Creswell Eastman", "he"),
("iodine", "The effects of iodine deficiency are dependent", "and other neurological problems,", "Creswell Eastman", "Professor Eastman"),
("iodine", "If an infant's not getting enough iodine", "effects upon normal function in life.", "Creswell Eastman", "Professor Eastman"),
("iodine", "Pregnant women in Australia are getting", "children born in this country,", "Creswell Eastman", "he"),
("iodine", "If Iodine deficiency is serious", "in a developed country like Australia.", "Creswell Eastman", "he"),
("iodine", "make sure there's sufficient iodine", "don't get too much and get overdose,", "Lydia Buchtmann", "Ms Bauchtman"),
("iodine", "One of the reasons that iodine", "not adding salt during cooking.", "Lydia Buchtmann", "Ms Bauchtman"),
("iodine", "it is reasonable to assume", "consequences of iodine deficiency.", "Mu Li", "Mu Li"),
("korea", "quasi-state of war", "quasi-state of war", "KCNA", "Korean Central News Agency"),
("korea", "War maniacs of the South Korean", "near KPA civil police posts 250 and 251", "KCNA", "KCNA"),
("korea", "Foolhardy provocation deserves", "deserves harsh punishment", "KCNA", "it"),
("korea", "Kim Jong-un issued an order", "to launch surprise operations", "KCNA", "it"),
("korea", "Commanders of the Korean People's Army were", "the enemy's possible counteractions", "KCNA", "KCNA"),
("nasa", "We want to thank all of the locations", "one of these national treasures,", "Charles Bolden", "Bolden"),
("nasa", "This was a very difficult decision", "U.S. and international visitors.", "Charles Bolden", "Bolden"),
("nasa", "Like many Texans", "locations for the orbiter fleet.", "John Cornyn", "John Cornyn"),
("nasa", "There is no question Houston", "Administration's misguided decision.", "John Cornyn", "Cornyn"),
("nasa", "The Museum of Flight put a tremendous", "NASA did not choose them.¶", "Chris Gregoire", "Chris Gregoire"),
("nasa", "However, the full fuselage trainer", "a career in science, technology, engineering and math.", "Chris Gregoire", "Chris Gregoire"),
("questionnaire", "must be completed in English", "must be completed in English", None, None),
("questionnaire", "online translation tools", "online translation tools", None, None),
("questionnaire", "failure to return the questionnaire", "in line with the published policy", None, None),
("questionnaire", "based solely on the response", "the response of the questionnaire", "i", "i"),
("questionnaire", "for months", "for months", "Yvette Cooper", "Yvette Cooper"),
("questionnaire", "damning that the Home Office", "safe countries like Albania", "Yvette Cooper", "Yvette Cooper"),
("questionnaire", "recommended it two years ago.", "recommended it two years ago.", "Yvette Cooper", "Yvette Cooper"),
("questionnaire", "Labour has a common-sense plan", "driving dangerous small boat crossings.", "Yvette Cooper", "She"),
("questionnaire", "we may extend the use", "awaiting an asylum decision in due course", "Home Office", "Home Office"),
("questionnaire", "It's clear that we have an unsustainable", "our legal duties to accommodate them", "Suella Braverman", "Suella Braverman"),
("questionnaire", "Were you subject to human trafficking", "after you arrived in the UK?", "The Guardian", "The Guardian"),
("questionnaire", "People fleeing desperate circumstances", "in a language they don’t speak.", "Caitlin Boswell", "Boswell"),
("questionnaire", "must be well thought out", "must be well thought out", "Enver Solomon", "Enver Solomon"),
("questionnaire", "Moves to reduce the backlog", "and don't speak English.", "Enver Solomon", "Enver Solomon"),
("questionnaire", "formal update", "formal update", "Rishi Sunak", "Sunak"),
("questionnaire", "The Home Secretary and I are working", "they will not be able to stay.", "Rishi Sunak", "Sunak"),
("sensitive", "I'm told two things", "available under access to information,", "John Baird", "Baird"),
("sensitive", "We take document security seriously,", "We take document security seriously,", "Sujata Raisinghani", "she"),
("sensitive", "This government is so consumed", "to get the fundamentals right,", "Paul Dewar", "Dewar"),
("soccer", "I think we have learned a lot", "they were able to focus better.", "Hernan Dario Gomez", "Hernan Dario Gomez"),
("soccer", "In the first half it felt good", "put the game to bed early.", "Harry Kane", "He"),
("soccer", "We were playing against a highly-skilled", "concentration in the coming games.", "Nabil Maaloul", "Nabil Maaloul"),
("taxes", "because the users of the private schools", "is considered as a commercial one", None, None),
("taxes", "more general reflection", "more general reflection", "Stefania Giannini", "Stefania Giannini"),
("taxes", "a discussion table will be opened", "religious association included", "Claudio De Vincenti", "Claudio De Vincenti"),
("taxes", "many schools will increase their fees", "build new structures and manage them", "Toccafondi", "Mr. Toccafondi"),
("taxes", "dangerous\" ((it)) and", None, "Nunzio Galantino", "Nunzio Galantino"),
("taxes", "ideological", "ideological", "Nunzio Galantino", "Nunzio Galantino"),
("taxes", "We face a dangerous sentence", "what kind of good service private schools held", "Nunzio Galantino", "Nunzio Galantino"),
("warhol", "I think America's obsession", "when Warhol was living", "Gustafon", "Gustafon"),
("warhol", "People are still intrigued", "from most people's every day lives.", "Gustafon", "Gustafon"),
("warhol", "He's hanging out with the celebrities", "documenting earlier in his career", "Kristen Wilkins", "Wilkins"),
("warhol", "These images serve as documentation", "many of us enjoy a glimpse into.", "Cynthia Thompson", "Cynthia Thompson"),
("warhol", "Pop art was about what popular", "culture really thought was important", "Kathryn Waters", "Kathryn Waters"),
("warhol", "That's why he did the Campbell", "increased probably a thousand fold.", "Kathryn Waters", "Kathryn Waters"),
("warhol", "I think everybody knows Andy Warhol's name", "because he was such a personality", "Kathryn Waters", "Water"),
("warhol", "I think his photography is equally", "really ground-breaking in that regard.", "Hilary Braysmith", "Hilary Braysmith"),
("warhol", " [Warhol] liked the way", "Polaroid's front flash looked", "Kristen Wilkins", "Wilkins"),
("warhol", "As a way to commercialize his work", "very business minded about that.", "Kristen Wilkins", "Wilkins"),
("warhol", "He wanted to be rich and famous", "made lots of choices to go that way", "Kristen Wilkins", "Wilkins"),
("warhol", "It's Warhol. He is a legend.", "It's Warhol. He is a legend.", "Kiara Perkins", "Kiara Perkins"),
("warhol", "Andy Warhol was the center of the Zeitgeist", "He is a post-modern diety.", "Kevin Allton", "He"),
("warhol", "I thought that in real life", "really kind of magical,", "Kevin Allton", "Allton"),
("warhol", "I smacked them around.", "I smacked them around.", "Kevin Allton", "Allton"),
("warming", "The climate projections are quite", "reinforcing effects [of climate change] on crops", "Colette Heald", "Colette Heald"),
("warming", "nobody has looked at these together", "nobody has looked at these together", "Colette Heald", "Heald"),
("warming", "Ground-level ozone causes more damage", "than all other air pollutants combined", "U.S. Department of Agriculture", "U.S. Department of Agriculture"),
("warming", "An air-quality cleanup would improve", "that need to be taken to improve air quality.", "Colette Heald", "Heald"),
("warming", "Despite an increase in vehicle miles", "regulations, and air quality policy.", "Colette Heald", "Heald"),
]
out = []
cursor = {}
errors = 0
for doc, s, e, name, mention in A:
    key = doc if doc == 'openai-microsoft' else 'GUM_news_' + doc
    text = d[key]
    at = text.find(s, cursor.get(key, 0))
    while at > 0 and text[at - 1] not in MARKS:
        at = text.find(s, at + 1)
    if at < 0:
        print('NOT FOUND', doc, s); errors += 1; continue
    start = at - 1
    while text[start] not in MARKS: start -= 1
    if e is None:
        # the snippet holds the closing mark: end right after the first mark inside it
        stop = s.index('"') if '"' in s else s.index('”')
        end = at + stop + 1
    elif e.endswith('¶'):
        end = text.find('\n\n', at)
        end = len(text) if end < 0 else end
        assert text[at:end].endswith(e[:-1]), (doc, e)
    else:
        end = text.find(e, at)
        if end < 0: print('END NOT FOUND', doc, e); errors += 1; continue
        end += len(e)
        if text[end] not in MARKS: print('NO CLOSING MARK', doc, e, repr(text[end:end+5])); errors += 1
        end += 1
    cursor[key] = at + 1
    speaker = None
    if name is not None:
        # the mention: the occurrence of its text nearest the quotation (before it, else after)
        side = mention[0] if mention[0] in '<>' else ''
        mention = mention.lstrip('<>')
        cands = []
        i = text.find(mention)
        while i >= 0:
            ok = (i == 0 or not text[i-1].isalnum()) and (i+len(mention) >= len(text) or not text[i+len(mention)].isalnum())
            if ok and not (start <= i < end) and (side != '<' or i < start) and (side != '>' or i >= end): cands.append(i)
            i = text.find(mention, i + 1)
        if not cands: print('NO MENTION', doc, mention); errors += 1; continue
        dist = lambda i: (start - i - len(mention)) if i < start else (i - end) + 0.5
        i = min(cands, key=dist)
        b = lambda c: len(text[:c].encode())
        speaker = {"start": b(i), "end": b(i + len(mention)), "text": mention, "name": name}
    b = lambda c: len(text[:c].encode())
    out.append({"doc": key, "start": b(start), "end": b(end), "quote": text[start:end], "speaker": speaker})
with open(sys.argv[1], 'w', encoding='utf-8') as f:
    for o in out:
        f.write(json.dumps(o, ensure_ascii=False) + '\n')
print(len(out), 'quotations', errors, 'errors')
