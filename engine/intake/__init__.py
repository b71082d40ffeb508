"""Facts intake: questionnaires people fill in, their import, and facts proposed from an annual report's text.

    questionnaire.py  the fact vocabulary as a workbook (.xlsx) or a commented YAML facts file
    importer.py       a filled workbook back to facts.yaml, every problem at sheet!cell
    extract.py        report text -> proposed facts, each with its sentence and character offsets
    patterns.py       the extraction patterns (rulesets/extraction/*.yaml), checked with file:line
    numbers.py        Chinese number and date forms (10余次, 810.25万元, 两, 2021年2月25日)
    reporttext.py     reading a report (UTF-8 or GB18030, detected) and cutting it into sentences
    factsyaml.py      writing a facts file with comments, checked by the facts loader before it is written
    messages.py       the bilingual wording of this package
"""
