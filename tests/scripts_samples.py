"""Short articles in languages and scripts the bundled corpus does not have (written for these tests).

Japanese and Chinese are written without spaces between words, Thai without spaces between words and
with spaces between phrases, Arabic right to left: each breaks a different assumption of a word-level
check. Used by the isolation, fuzz and done-when tests.
"""

JA = """カスタマーサービスマネージャーの仕事

カスタマーサービスマネージャーは、顧客からの問い合わせに対応するチームを率います。彼らは電話やメールでの苦情を解決し、スタッフの研修を計画します。

多くの会社では、マネージャーは毎週の報告書を作成し、顧客満足度を測定します。この仕事には忍耐力とコミュニケーション能力が必要です。

給与は経験と地域によって異なりますが、平均すると年収は約五百万円です。
"""

ZH = """客户服务经理的工作

客户服务经理负责领导处理客户咨询的团队。他们通过电话和电子邮件解决投诉，并安排员工培训。

在许多公司里，经理每周撰写报告并衡量客户满意度。这份工作需要耐心和良好的沟通能力。

工资因经验和地区而异，平均年薪大约为三十万元。
"""

TH = """งานของผู้จัดการฝ่ายบริการลูกค้า

ผู้จัดการฝ่ายบริการลูกค้าเป็นผู้นำทีมที่ตอบคำถามของลูกค้า พวกเขาแก้ไขข้อร้องเรียนทางโทรศัพท์และอีเมล และวางแผนการฝึกอบรมพนักงาน

ในหลายบริษัท ผู้จัดการจะเขียนรายงานทุกสัปดาห์และวัดความพึงพอใจของลูกค้า งานนี้ต้องการความอดทนและทักษะการสื่อสารที่ดี

เงินเดือนขึ้นอยู่กับประสบการณ์และพื้นที่
"""

AR = """وظيفة مدير خدمة العملاء

يقود مدير خدمة العملاء الفريق الذي يجيب على أسئلة العملاء. يحل الشكاوى عبر الهاتف والبريد الإلكتروني، ويخطط لتدريب الموظفين.

في كثير من الشركات، يكتب المدير تقريرًا كل أسبوع ويقيس رضا العملاء. يتطلب هذا العمل الصبر ومهارات تواصل جيدة.

يختلف الراتب حسب الخبرة والمنطقة.
"""

KO = """고객 서비스 관리자의 일

고객 서비스 관리자는 고객 문의에 답하는 팀을 이끕니다. 그들은 전화와 이메일로 불만을 해결하고 직원 교육을 계획합니다.
"""

PAGES = {"ja": JA, "zh": ZH, "th": TH, "ar": AR, "ko": KO}


def html_page(text: str, lang: str) -> str:
    """The text as a small web page with chrome around it (navigation, a script, a footer)."""
    from html import escape

    paragraphs = "".join(f"<p>{escape(p)}</p>\n" for p in text.strip().split("\n\n"))
    return (f'<!DOCTYPE html><html lang="{lang}"><head><title>t</title><script>var x = "<p>";</script></head>'
            f"<body><nav><a href='/'>Home</a></nav><article>\n{paragraphs}</article>"
            f"<footer>© 2024</footer></body></html>")
